//! 在真的浏览器里读这本书：用 mdbook 把书编到一个临时目录，由测试里的小 HTTP 服务端提供，
//! 再通过 chromedriver 驱动无界面的 Chromium：
//!
//! - 搜索中文词（粘包、分帧、三次握手……），每个词都要找到含有它的那些节，排第一的是讲它的那一章；
//!   英文的 API 名字（TcpListener）照样能搜，第 03 课排第一；
//! - 打开有图的一页，量出图里每一列竖线的横坐标：同一列的竖线必须对齐（相差不到 1 像素）；
//! - 编出来的 HTML 里，段落中两个汉字之间没有换行（浏览器会把它显示成一个多余的空格）。
//!
//! 没有 mdbook、chromium 或 chromedriver 时（比如学习者自己运行 `cargo test`），说明原因后跳过；
//! `bash .ci/run` 会先把它们装好。

use std::collections::HashMap;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

/// 把书编到一个临时目录（整个测试程序只编一次）；没有 mdbook 时返回 None。
fn built_book() -> Option<&'static Path> {
    static BOOK: OnceLock<Option<PathBuf>> = OnceLock::new();
    BOOK.get_or_init(|| {
        if !on_path("mdbook") {
            return None;
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        // 放在 cargo 给测试的临时目录（target/tmp）里，cargo clean 会清掉它，不留在 /tmp。
        // 名字带进程号：同时跑的几个测试进程（比如 nextest）各编各的，互不覆盖。
        let out = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("workbook-book-{}", std::process::id()));
        let _ = fs::remove_dir_all(&out);
        let status = Command::new("mdbook")
            .args(["build", "book", "-d"])
            .arg(&out)
            .current_dir(root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("能运行 mdbook");
        assert!(status.success(), "mdbook build 失败");
        Some(out)
    })
    .as_deref()
}

/// 一个只会 GET 静态文件的 HTTP 服务端，在后台线程里运行，返回它的地址。
fn serve_dir(dir: &'static Path) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("能绑定空闲端口");
    let addr = listener.local_addr().unwrap();
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            thread::spawn(move || {
                let _ = serve_one(stream, dir);
            });
        }
    });
    addr
}

fn percent_decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&path[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn serve_one(stream: TcpStream, dir: &Path) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut first = String::new();
    reader.read_line(&mut first)?;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
    }
    let target = first.split_whitespace().nth(1).unwrap_or("/");
    let path = percent_decode(target.split(['?', '#']).next().unwrap_or("/"));
    let mut file = dir.join(path.trim_start_matches('/'));
    if file.is_dir() {
        file = file.join("index.html");
    }
    let mut stream = stream;
    match fs::read(&file) {
        Ok(body) if !path.contains("..") => {
            let kind = match file.extension().and_then(|e| e.to_str()) {
                Some("html") => "text/html; charset=utf-8",
                Some("js") => "application/javascript; charset=utf-8",
                Some("css") => "text/css; charset=utf-8",
                Some("svg") => "image/svg+xml",
                Some("woff2") => "font/woff2",
                Some("json") => "application/json",
                _ => "application/octet-stream",
            };
            write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )?;
            stream.write_all(&body)
        }
        _ => stream
            .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
    }
}

/// chromedriver 进程和一个浏览器会话；丢弃时关掉两者。
struct Browser {
    driver: Child,
    port: u16,
    session: String,
    /// 这个浏览器自己的配置目录，关掉浏览器时删掉。
    profile: PathBuf,
}

impl Browser {
    fn start() -> Option<Browser> {
        if !on_path("chromedriver") || !(on_path("chromium") || on_path("chromium-browser")) {
            return None;
        }
        let mut driver = Command::new("chromedriver")
            .arg("--port=0")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let out = driver.stdout.take().expect("stdout 是管道");
        let (tx, rx) = std::sync::mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("successfully on port ").nth(1) {
                    let _ = tx.send(rest.trim_end_matches('.').trim().parse::<u16>().ok());
                }
            }
        });
        let port = rx.recv_timeout(testkit::DEADLINE).ok().flatten()?;
        let binary = if on_path("chromium") {
            "chromium"
        } else {
            "chromium-browser"
        };
        let binary = std::env::split_paths(&std::env::var_os("PATH").unwrap())
            .map(|d| d.join(binary))
            .find(|p| p.is_file())?;
        // 每个浏览器一个自己的配置目录：两个 Chromium 共用一个目录时，第二个会变成第一个的新窗口。
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let profile = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("workbook-chromium-{}-{n}", std::process::id()));
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": binary,
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--window-size=1280,900", format!("--user-data-dir={}", profile.display())]
            }
        }}});
        let mut browser = Browser {
            driver,
            port,
            session: String::new(),
            profile: profile.clone(),
        };
        let reply = browser.call("POST", "/session", Some(caps));
        browser.session = reply["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("chromedriver 没有开出会话：{reply}"))
            .to_string();
        Some(browser)
    }

    /// 一次 WebDriver 调用（HTTP/1.1，请求和回答都是 JSON），返回回答里的 `value`。
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("连上 chromedriver");
        stream
            .set_read_timeout(Some(testkit::DEADLINE * 2))
            .unwrap();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        // 按 Content-Length 读回答：chromedriver 不一定在回答之后关闭连接。
        let mut reader = BufReader::new(stream);
        let mut length = 0;
        let mut head = String::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).expect("读 chromedriver 的回答");
            if line == "\r\n" || line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
            head.push_str(&line);
        }
        let mut body = vec![0u8; length];
        reader
            .read_exact(&mut body)
            .expect("读 chromedriver 的回答");
        let json = String::from_utf8_lossy(&body);
        let value: Value = serde_json::from_str(&json)
            .unwrap_or_else(|e| panic!("chromedriver 的回答不是 JSON（{e}）：{head}{json}"));
        value["value"].clone()
    }

    fn open(&self, url: &str) {
        self.call(
            "POST",
            &format!("/session/{}/url", self.session),
            Some(json!({ "url": url })),
        );
    }

    fn js(&self, script: &str, args: Value) -> Value {
        self.call(
            "POST",
            &format!("/session/{}/execute/sync", self.session),
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// 反复执行 `script`，直到它返回非 null（有期限）。
    fn wait_for(&self, what: &str, script: &str, args: Value) -> Value {
        let deadline = Instant::now() + testkit::DEADLINE;
        loop {
            let v = self.js(script, args.clone());
            if !v.is_null() {
                return v;
            }
            assert!(Instant::now() < deadline, "浏览器里等不到：{what}");
            thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.call("DELETE", &format!("/session/{}", self.session), None)
            }));
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = fs::remove_dir_all(&self.profile);
    }
}

/// 缺工具时跳过并说明；设置了 `WORKBOOK_REQUIRE_BROWSER=1`（持续集成）时不许跳过。
fn skip(test: &str, why: &str) {
    assert!(
        std::env::var_os("WORKBOOK_REQUIRE_BROWSER").is_none(),
        "{test} 不能跳过：{why}"
    );
    eprintln!("跳过 {test}：{why}");
}

fn setup(test: &str) -> Option<(Browser, SocketAddr)> {
    let Some(book) = built_book() else {
        skip(
            test,
            "没有 mdbook（cargo install mdbook --version 0.5.4 --locked）",
        );
        return None;
    };
    let Some(browser) = Browser::start() else {
        skip(test, "没有 chromium 和 chromedriver（apt-get install chromium chromium-driver fonts-noto-cjk）");
        return None;
    };
    Some((browser, serve_dir(book)))
}

/// 在浏览器里搜一个词，返回（结果上方的提示，各条结果的路径，含有这个词的节数）。
fn search(browser: &Browser, addr: SocketAddr, term: &str) -> (String, Vec<String>, usize) {
    let encoded: String = term
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    browser.open(&format!("http://{addr}/index.html?search={encoded}"));
    // 等页面加载完、索引到了、结果显示出来；顺便数一数索引里含有这个词的节（标题或正文，不分大小写）。
    let found = browser.wait_for(
        &format!("“{term}”的搜索结果"),
        "const h = document.getElementById('mdbook-searchresults-header'); \
         if (document.readyState !== 'complete' || !h || !h.textContent.trim() || !(window.search && window.search.index)) return null; \
         const t = arguments[0].toLowerCase(); \
         const sections = Object.values(window.search.index.documentStore.docs) \
             .filter(d => ((d.title || '') + ' ' + (d.body || '')).toLowerCase().includes(t)).length; \
         const crumbs = Array.from(document.querySelectorAll('#mdbook-searchresults li a')).map(a => a.textContent); \
         return [h.textContent, crumbs, sections];",
        json!([term]),
    );
    let header = found[0].clone();
    let crumbs = found[1].clone();
    let sections = found[2].clone();
    let crumbs = crumbs
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    (
        header.as_str().unwrap_or("").to_string(),
        crumbs,
        sections.as_u64().unwrap_or(0) as usize,
    )
}

#[test]
fn chinese_search_finds_every_section_and_ranks_the_chapter_that_teaches_it_first() {
    let Some((browser, addr)) = setup("chinese_search_finds_every_section…") else {
        return;
    };
    // 词 → 讲它的那一章，以及那一章至少要排进前几名（“超时”到处都讲，不要求）。
    let expect: HashMap<&str, (&str, usize)> = HashMap::from([
        ("粘包", ("第 08 课", 1)),
        ("分帧", ("第 08 课", 3)),
        ("三次握手", ("第 03 课", 1)),
        ("缓冲", ("第 06 课", 3)),
        ("超时", ("", 0)),
        ("文件上传", ("第 10 课", 1)),
        ("长度前缀", ("第 08 课", 3)),
        ("TcpListener", ("第 03 课", 1)),
    ]);
    let mut problems = Vec::new();
    for (term, (chapter, within)) in &expect {
        let (header, crumbs, sections) = search(&browser, addr, term);
        let shown = sections.min(30);
        if sections == 0 {
            problems.push(format!("{term}：书里没有一节含有它？"));
            continue;
        }
        if crumbs.len() != shown {
            problems.push(format!(
                "{term}：含有它的节有 {sections} 个，搜索结果却有 {} 条（提示：{header}）",
                crumbs.len()
            ));
        }
        if !header.starts_with("找到") {
            problems.push(format!("{term}：结果上方的提示不是中文：{header}"));
        }
        if !chapter.is_empty() && !crumbs.iter().take(*within).any(|c| c.starts_with(chapter)) {
            problems.push(format!(
                "{term}：前 {within} 名里应当有{chapter}，实际是 {:?}",
                &crumbs[..crumbs.len().min(*within)]
            ));
        }
    }
    assert!(problems.is_empty(), "搜索有问题：\n{}", problems.join("\n"));
}

/// 在一页里量出每个代码块中每一列竖线的横坐标，返回同一列竖线之间最大的差（像素）和它在哪一行。
const MEASURE: &str = r#"
const wide = c => /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(c);
let worst = 0, where = '', blocks = 0;
for (const code of document.querySelectorAll('pre code')) {
  const text = code.textContent;
  if (!/[\u2500-\u257f]/.test(text)) continue;
  blocks++;
  const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  let col = 0, line = 0;
  const byCol = {};
  while (walker.nextNode()) {
    const node = walker.currentNode;
    for (let i = 0; i < node.data.length; i++) {
      const c = node.data[i];
      if (c === '\n') { line++; col = 0; continue; }
      if ('│┌┐└┘├┤┬┴┼▲▼'.includes(c)) {
        range.setStart(node, i); range.setEnd(node, i + 1);
        (byCol[col] = byCol[col] || []).push({ x: range.getBoundingClientRect().left, line });
      }
      col += wide(c) ? 2 : 1;
    }
  }
  for (const list of Object.values(byCol)) {
    const xs = list.map(b => b.x);
    const d = Math.max(...xs) - Math.min(...xs);
    if (d > worst) { worst = d; where = text.split('\n')[list[0].line]; }
  }
}
return document.readyState === 'complete' && document.fonts.status === 'loaded' ? [worst, where, blocks, location.href, document.querySelectorAll('pre code').length] : null;
"#;

#[test]
fn diagrams_mixing_chinese_and_ascii_line_up_in_the_browser() {
    let Some((browser, addr)) = setup("diagrams_mixing_chinese_and_ascii_line_up…") else {
        return;
    };
    let mut problems = Vec::new();
    for page in [
        "ch01-threads.html",
        "ch03-first-tcp.html",
        "ch04-loops.html",
        "ch10-upload.html",
    ] {
        browser.open(&format!("http://{addr}/{page}"));
        let result = browser.wait_for(&format!("{page} 的字体加载完"), MEASURE, json!([]));
        let worst = result[0].as_f64().unwrap_or(f64::MAX);
        let blocks = result[2].as_u64().unwrap_or(0);
        assert!(blocks > 0, "{page} 里没有找到带线框的图：{result}");
        if worst > 1.0 {
            problems.push(format!(
                "{page}：同一列的竖线相差 {worst:.1} 像素，在这一行：{}",
                result[1].as_str().unwrap_or("")
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "图在浏览器里没有对齐：\n{}",
        problems.join("\n")
    );
}

#[test]
fn built_pages_have_no_line_breaks_between_chinese_characters() {
    let Some(book) = built_book() else {
        eprintln!("跳过：没有 mdbook");
        return;
    };
    let is_han = |c: char| {
        ('\u{3400}'..='\u{9fff}').contains(&c)
            || ('\u{3000}'..='\u{303f}').contains(&c)
            || ('\u{ff00}'..='\u{ffef}').contains(&c)
    };
    let mut problems = Vec::new();
    for entry in fs::read_dir(book).unwrap().flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "html") || path.ends_with("print.html") {
            continue;
        }
        let html = fs::read_to_string(&path).unwrap();
        // 只看正文，不看 <pre> 里的代码（代码里的换行是真的换行）。
        let mut rest = html.as_str();
        let mut text = String::new();
        while let Some(start) = rest.find("<pre") {
            text.push_str(&rest[..start]);
            rest = rest[start..]
                .split_once("</pre>")
                .map(|(_, r)| r)
                .unwrap_or("");
        }
        text.push_str(rest);
        let chars: Vec<char> = text.chars().collect();
        for w in chars.windows(3) {
            if w[1] == '\n' && is_han(w[0]) && is_han(w[2]) {
                problems.push(format!("{}：{}⏎{}", path.display(), w[0], w[2]));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "编出来的页面里，两个汉字之间有换行（浏览器里会显示成空格）：\n{}",
        problems.join("\n")
    );
}
