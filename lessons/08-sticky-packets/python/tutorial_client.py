# 第 08 课 教程版客户端（Python）：照教程 000 §1.5 的客户端写，端口 8888。
# 收下问候后，连着 send 两条消息，中间什么也不等：它们常常在服务端的一次 recv(1024) 里一起到达。
# 用法：python3 tutorial_client.py [端口]
import socket
import sys
import time

port = int(sys.argv[1]) if len(sys.argv) > 1 else 8888
# 1、创建 socket 对象
socket_client = socket.socket(family=socket.AF_INET, type=socket.SOCK_STREAM)
# 2、连接服务端
socket_client.connect(("127.0.0.1", port))
# 3、收服务端的问候，打印三种样子：字节串，以及两种解码的写法
data = socket_client.recv(1024)
print(data)
print(data.decode("utf-8"))
print(str(data, encoding="utf-8"))

# 4、连着发两条
socket_client.send("我爱Python".encode(encoding="utf-8"))
socket_client.send("我爱阿芬".encode(encoding="utf-8"))

replies = 0
empty = 0
while True:
    data = socket_client.recv(1024).decode("utf-8")
    if data != "":
        print(data)
        # 教程的客户端每秒发一次“我爱阿芬”，永远聊下去；这里收到 2 次回复就停。
        replies += 1
        if replies == 2:
            print("收到 2 次回复：教程的客户端会这样一直聊下去，这里停下")
            break
        time.sleep(1)
        socket_client.send("我爱阿芬".encode(encoding="utf-8"))
    else:
        # 服务端关闭后 recv 立刻返回 b''，教程的循环会一直空转；这里数到 3 次就停。
        empty += 1
        if empty == 3:
            print("recv 连续 3 次读到 0 字节：服务端已经关闭了连接，教程的循环会一直空转，这里停下")
            break
socket_client.close()
