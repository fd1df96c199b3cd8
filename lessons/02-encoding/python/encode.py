# 第 02 课：编码与解码（Python 版），输出与 l02-encode 逐行相同。
import sys

origin = sys.argv[1] if len(sys.argv) > 1 else "I love 游泳"

# ANCHOR: tutorial
# 编码的两种写法
bytes01 = bytes(origin, encoding="utf-8")
bytes02 = origin.encode("utf-8")
# 解码的两种写法
text01 = str(bytes01, encoding="utf-8")
text02 = bytes02.decode("utf-8")
print(origin)
print(bytes01)
print(bytes02)
print(text01)
print(text02)
# ANCHOR_END: tutorial

print()
data = origin.encode("utf-8")
print("字节数：%d，字符数：%d" % (len(data), len(origin)))
for ch in origin:
    if ord(ch) >= 128:
        encoded = ch.encode("utf-8")
        print("  '%s' 是 U+%04X，UTF-8 用 %d 个字节：%s" % (ch, ord(ch), len(encoded), encoded))


# ANCHOR: broken
def show_decoding(raw):
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        if e.reason == "unexpected end of data":
            why = "前 %d 个字节合法，最后 %d 个字节是一个没写完的字符" % (e.start, len(raw) - e.start)
        else:
            why = "前 %d 个字节合法，偏移 %d 处有 %d 个不合法的字节" % (e.start, e.start, e.end - e.start)
        print("  严格解码失败：" + why)
        print("  有损解码：" + raw.decode("utf-8", errors="replace"))
    else:
        print("  仍然是合法的 UTF-8：" + text)


short = data[:-1]
print("少了最后一个字节：%s" % short)
show_decoding(short)
positions = [i for i, b in enumerate(data) if b >= 128]
if positions:
    spoiled = bytearray(data)
    spoiled[positions[0]] = 0xFF
    spoiled = bytes(spoiled)
    print("偏移 %d 的字节换成 0xff：%s" % (positions[0], spoiled))
    show_decoding(spoiled)
# ANCHOR_END: broken
