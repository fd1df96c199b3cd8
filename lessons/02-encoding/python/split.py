# 第 02 课：一个字符被拆在两次读取之间（Python 版），输出与 l02-split 逐行相同。
import codecs
import socket
import threading

text = "I love 游泳"
at = 8
data = text.encode("utf-8")


def split_char(text, at):
    start = 0
    for ch in text:
        size = len(ch.encode("utf-8"))
        if start < at < start + size:
            return ch
        start += size
    return None


ch = split_char(text, at)
place = "正好在“%s”字的中间" % ch if ch else "正好在两个字符之间"
print("把 %d 个字节分两次发出，先发 %d 个：%s" % (len(data), at, place))

listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(1)
sender = socket.create_connection(listener.getsockname())
receiver, _ = listener.accept()
receiver.settimeout(10)
first_read = threading.Event()


def send():
    sender.sendall(data[:at])
    # 等接收方读到第一段再发第二段，保证确实是两次读取。
    first_read.wait(10)
    sender.sendall(data[at:])
    sender.close()


threading.Thread(target=send).start()

# ANCHOR: incremental
decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
naive, whole, reads = "", "", 0
while True:
    chunk = receiver.recv(1024)
    if not chunk:
        break
    reads += 1
    first_read.set()
    print("第 %d 次读到 %d 个字节：%s" % (reads, len(chunk), chunk))
    alone = chunk.decode("utf-8", errors="replace")
    print("  单独解码（错误的做法）：“%s”" % alone)
    naive += alone
    ready = decoder.decode(chunk)
    print("  增量解码器交出：“%s”" % ready)
    whole += ready
rest = decoder.decode(b"", final=True)
# ANCHOR_END: incremental
if rest:
    print("连接关闭：增量解码器里还剩半个字符，等不到后半截了，换成“%s”" % rest)
else:
    print("连接关闭：增量解码器里没有剩下半个字符")
whole += rest
print("合起来：单独解码得到“%s”，增量解码得到“%s”" % (naive, whole))
receiver.close()
listener.close()
