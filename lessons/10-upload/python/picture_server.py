# 第 10 课教程版：教程（002 使用Socket发送图片）的服务端，照教程的写法。
# 和教程只差这几处：绑定本机的 127.0.0.1（教程绑定局域网地址 192.168.247.1），端口可以用第一个参数给，
# 第一行打印真正绑定的地址；发满 100 次就停（教程的 while 1 永远不停）。
# 发的文件和教程一样，是当前目录下的 python.jpg。
import os
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 12345
sSocket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sSocket.bind(("127.0.0.1", port))
sSocket.listen(10)
print("%s:%d" % sSocket.getsockname())
fileName = "python.jpg"
for _ in range(100):
    cSocket, addr = sSocket.accept()
    with open(fileName, "rb") as f:
        fileSize = os.stat(fileName).st_size
        cSocket.send(str(fileSize).encode("utf-8"))
        data = cSocket.recv(1024).decode("utf-8")
        for line in f:
            cSocket.send(line)
print("教程版发满 100 次就停（教程的服务端会一直等下去）")
