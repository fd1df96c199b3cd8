# 第 09 课教程版客户端（Python），照教程 004 的 9.19 节第 2 个程序写：输入命令，打印服务端发回的输出。
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 8879
ip_port = ("127.0.0.1", port)
sk = socket.socket()
sk.connect(ip_port)
print("客户端启动：")
while True:
    try:
        inp = input("cdm:>>>").strip()
    except EOFError:  # 标准输入结束：和输入 q 一样退出（教程的程序会在这里报错退出）
        break
    if len(inp) == 0:
        continue
    if inp == "q":
        break
    sk.sendall(bytes(inp, "utf8"))
    server_response = sk.recv(1024)
    # 教程按 gbk 解码：它写在中文 Windows 上，那里命令的输出是 GBK。Linux 上是 UTF-8，
    # 所以这里按 UTF-8 解码，解不了的字节（比如被 1024 字节切开的汉字）显示成 �，而不是报错退出。
    print(str(server_response, "utf8", "replace"))
    print("receive data size", len(server_response))
    if inp == "exit":
        break
sk.close()
