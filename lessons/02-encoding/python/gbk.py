# 第 02 课：GBK（Python 版），输出与 l02-gbk 逐行相同。
text = "I love 游泳"
console = "驱动器 C 中的卷没有标签。"
odd = "笑😀"

print("原文：" + text)
gbk = text.encode("gbk")
utf8 = text.encode("utf-8")
print("GBK 编码：%s（%d 个字节，UTF-8 要 %d 个）" % (gbk, len(gbk), len(utf8)))
print("按 GBK 解码回来：" + gbk.decode("gbk"))
# 用错编码的两个方向
print("UTF-8 字节当成 GBK 解码：" + utf8.decode("gbk", errors="replace"))
print("GBK 字节当成 UTF-8 解码：" + gbk.decode("utf-8", errors="replace"))

# 中文 Windows 的命令行输出就是 GBK 字节，所以教程的客户端写 str(data, "gbk")。
raw = console.encode("gbk")
print("中文 Windows 命令行输出的字节：%s" % raw)
print("  按 GBK 解码：" + raw.decode("gbk"))
print("  按 UTF-8 解码：" + raw.decode("utf-8", errors="replace"))

try:
    odd.encode("gbk")
except UnicodeEncodeError as e:
    ch = e.object[e.start]
    print("“%s” 的第 %d 个字符 '%s'（U+%04X）GBK 表示不了" % (odd, e.start + 1, ch, ord(ch)))
    lossy = odd.encode("gbk", errors="xmlcharrefreplace")
    print("  有损编码换成了 HTML 数字引用：%s（报告有替换：是）" % lossy)
