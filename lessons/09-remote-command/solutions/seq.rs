pub fn check_seq(args: &[&str], max_lines: u64) -> Result<u64, String> {
    let numbers = args
        .iter()
        .map(|arg| {
            arg.parse::<i64>()
                .map_err(|_| format!("seq 只接受整数参数，{arg:?} 不是（选项和小数都不行）"))
        })
        .collect::<Result<Vec<i64>, String>>()?;
    let (first, step, last) = match numbers[..] {
        [last] => (1, 1, last),
        [first, last] => (first, 1, last),
        [first, step, last] => (first, step, last),
        _ => {
            return Err(format!(
            "seq 要 1 到 3 个参数（最后一个、第一个和最后一个、第一个步长最后一个），这里有 {} 个",
            args.len()
        ))
        }
    };
    if step == 0 {
        return Err("seq 的步长不能是 0：那样它会一直打印下去".to_string());
    }
    // i64 的差可能放不下（-9223372036854775808 到 9223372036854775807），换成 i128 来算。
    let (first, step, last) = (i128::from(first), i128::from(step), i128::from(last));
    let span = last - first;
    // 差和步长一正一负（乘积是负数）：方向不对，一行也不打印。乘积放得进 i128。
    let lines = if span * step < 0 { 0 } else { span / step + 1 };
    if lines > i128::from(max_lines) {
        return Err(format!("seq 会打印 {lines} 行，超过了上限 {max_lines} 行"));
    }
    Ok(lines as u64)
}
