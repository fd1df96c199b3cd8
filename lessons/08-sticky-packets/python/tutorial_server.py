# 第 08 课 教程版服务端（Python）：照教程 000 §1.5 的多线程服务端写，端口 8888。
# 每个客户端一个线程：先问好，再把每次 recv(1024) 收到的东西打印出来，加上“ 是的呢”回过去。
# 用法：python3 tutorial_server.py [端口]（0 让系统挑端口）
import socket
import sys
import threading


def run(sock, addr):
    print(addr)
    sock.send(bytes("Hello WorldAAA", encoding="utf-8"))
    empty = 0
    while True:
        # 一次 recv(1024) 当作一条消息：这正是这一课要看的问题。
        data = sock.recv(1024).decode("utf-8")
        if data != "":
            print(data)
            sock.send((data + " 是的呢").encode("utf-8"))
        else:
            # 对方关闭后 recv 立刻返回 b''，教程的循环会一直空转；这里数到 3 次就停。
            empty += 1
            if empty == 3:
                print("recv 连续 3 次读到 0 字节：对方已经关闭了连接，教程的循环会一直空转，这里停下")
                break
    sock.close()


port = int(sys.argv[1]) if len(sys.argv) > 1 else 8888
socket_server = socket.socket(family=socket.AF_INET, type=socket.SOCK_STREAM, proto=0)
socket_server.bind(("127.0.0.1", port))
socket_server.listen()
print("%s:%d" % socket_server.getsockname())

while True:
    (sock, addr) = socket_server.accept()
    thread = threading.Thread(target=run, name="线程", args=(sock, addr))
    thread.start()
