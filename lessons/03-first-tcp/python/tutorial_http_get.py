# 第 03 课教程版 HTTP GET（种子 004 §1.2.1）：发请求，收到对方关闭，
# 在第一个空行处分开响应头和正文，打印响应头，正文存进文件。
# 教程连的是 www.baidu.com 的 80 端口；这里连本机（127.0.0.1），端口可以用第一个参数给，
# 这样不依赖外网，每次结果也一样。l03-tutorial-http-get 是它逐行对应的 Rust。
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 80

# ANCHOR: main
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.connect(("127.0.0.1", port))
s.send(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
# 反复 recv，直到收到 b''：服务端发完并关闭了连接
buffer = []
while True:
    d = s.recv(1024)
    if d:
        buffer.append(d)
    else:
        break
data = b"".join(buffer)
s.close()
header, html = data.split(b"\r\n\r\n", 1)
print(header.decode("utf-8"))
# 教程存成 baidu.html；我们取的是本机的首页
with open("index.html", "wb") as f:
    f.write(html)
# ANCHOR_END: main
