# 教程版 V2 服务端（教程 001 的 Binary_TCPserver_V2）：两层循环，一个接一个地服务客户端。
# ANCHOR: twin
import socket
import sys
from time import ctime

port = int(sys.argv[1]) if len(sys.argv) > 1 else 6969
server = socket.socket()
server.bind(("127.0.0.1", port))  # 教程写的是 localhost
server.listen()
print("%s:%d" % server.getsockname())
# ANCHOR: loops
for i in range(5):  # 教程是 while True，永远服务下去；这里服务 5 个客户端就停
    print('waiting connection...')
    conn, addr = server.accept()
    while True:
        data = conn.recv(1024)
        if not data:
            print('clinet has broken the connection...')
            break
        print("Server recive data:", data)
        conn.send(b'[%s] %s' % (data, ctime().encode('utf-8')))
print('服务完 5 个客户端，停下：教程的 while True 会一直等下一个')
# ANCHOR_END: loops
server.close()
# ANCHOR_END: twin
