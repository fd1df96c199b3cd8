# 第 02 课 教程版：str 和 bytes 互相转换，各有两种写法（教程 000 §1.1.2）。
origin = "I love 游泳"
# 第 1 种：bytes(…, encoding=…) 编码，str(…, encoding=…) 解码
bytes01 = bytes(origin, encoding="utf-8")
text01 = str(bytes01, encoding="utf-8")
# 第 2 种：str.encode(…) 编码，bytes.decode(…) 解码
bytes02 = origin.encode(encoding="utf-8")
text02 = bytes02.decode(encoding="utf-8")
print(origin)
print(bytes01)
print(bytes02)
print(text01)
print(text02)
