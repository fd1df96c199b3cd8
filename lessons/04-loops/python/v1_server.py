# 教程版 V1 服务端（教程 001 的 Binary_TCPserver_V1）：接一个客户端，一问一答，然后退出。
# ANCHOR: twin
import socket
import sys
from time import ctime

port = int(sys.argv[1]) if len(sys.argv) > 1 else 6969
# ANCHOR: bind
server = socket.socket()
server.bind(("127.0.0.1", port))  # 教程写的是 localhost：这里写明 127.0.0.1
server.listen()  # starting listen
print("%s:%d" % server.getsockname())  # 第一行：真正绑定的地址
# ANCHOR_END: bind
# ANCHOR: accept
print('waiting connection...')
conn, addr = server.accept()  # wait the connect in ...
data = conn.recv(1024)
print("Server recive data:", data)
# ANCHOR_END: accept
# ANCHOR: send
conn.send(b'[%s] %s' % (data, ctime().encode('utf-8')))
server.close()
# ANCHOR_END: send
# ANCHOR_END: twin
