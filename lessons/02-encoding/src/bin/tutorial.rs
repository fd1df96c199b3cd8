//! 教程版：str 和 bytes 互相转换，各有两种写法（教程 000 §1.1.2），对照 python/tutorial.py。

use std::io;

// ANCHOR: main
fn main() -> io::Result<()> {
    let origin = "I love 游泳";
    // 第 1 种：as_bytes() 借出现成的字节，to_vec() 复制一份；String::from_utf8 检查后拿走它。
    let bytes01: Vec<u8> = origin.as_bytes().to_vec();
    let text01: String = String::from_utf8(bytes01.clone()).map_err(io::Error::other)?;
    // 第 2 种：into_bytes() 把一个 String 整个变成 Vec<u8>；str::from_utf8 检查后借用它。
    let bytes02: Vec<u8> = origin.to_string().into_bytes();
    let text02: &str = std::str::from_utf8(&bytes02).map_err(io::Error::other)?;
    println!("{origin}");
    // Python 把 bytes 打印成 b'…'：escape_ascii() 把不是可打印 ASCII 的字节写成 \xNN。
    println!("b'{}'", bytes01.escape_ascii());
    println!("b'{}'", bytes02.escape_ascii());
    println!("{text01}");
    println!("{text02}");
    Ok(())
}
// ANCHOR_END: main
