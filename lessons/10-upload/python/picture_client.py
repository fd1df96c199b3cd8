# 第 10 课教程版：教程（002 使用Socket发送图片）的客户端，照教程的写法。
# 和教程只差这几处：连本机的 127.0.0.1（教程连局域网地址 192.168.247.1），端口可以用第一个参数给；
# 服务端提前断开时，连续 3 次收到 0 字节就停（教程会一直空转）。收到的文件存成当前目录下的 python1.jpg。
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 12345
cSocket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
cSocket.connect(("127.0.0.1", port))
serverResponse = cSocket.recv(1024).decode("utf-8")
fileSize = int(serverResponse)
print("图片大小：", fileSize)
cSocket.send("Ready to recv file".encode("utf-8"))
revivedSize = 0
empty = 0
fileName = "python1.jpg"
with open(fileName, "wb") as f:
    while revivedSize < fileSize:
        data = cSocket.recv(1024 * 5)
        if not data:
            empty += 1
            if empty == 3:
                print("连续 3 次收到 0 字节：服务端已经断开，只收到 %d 字节（教程会在这里一直空转）" % revivedSize)
                break
        revivedSize = revivedSize + len(data)
        f.write(data)
    else:
        print("传输完毕")
