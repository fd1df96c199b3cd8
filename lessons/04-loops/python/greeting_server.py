# 教程版多线程服务端（教程 000 的 1.5 节）：每个客户端一个线程，先问好，再给每句话加上“是的呢”。
# ANCHOR: twin
import socket
import sys
import threading


# ANCHOR: run
def run(sock, addr):
    print(addr)
    sock.send(bytes("Hello WorldAAA", encoding="utf-8"))
    empty = 0  # 教程没有这个计数
    while True:
        data = sock.recv(1024).decode("utf-8")
        if data != "":
            print(data)
            sock.send((data + " 是的呢").encode("utf-8"))
        else:  # 教程没有 else：对方走了以后 recv 每次都立刻返回空，这个循环会永远空转
            empty += 1
            if empty == 5:
                print('recv 已经 5 次读到空：客户端走了。教程的循环会这样一直空转下去，这里停下')
                break
# ANCHOR_END: run


port = int(sys.argv[1]) if len(sys.argv) > 1 else 8888
socket_server = socket.socket(family=socket.AF_INET, type=socket.SOCK_STREAM, proto=0)
socket_server.bind(("127.0.0.1", port))
socket_server.listen()
print("%s:%d" % socket_server.getsockname())
while True:
    (sock, addr) = socket_server.accept()
    thread = threading.Thread(target=run, name="线程", args=(sock, addr))
    thread.start()
# ANCHOR_END: twin
