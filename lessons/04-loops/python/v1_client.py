# 教程版 V1 客户端（教程 001 的 Binary_TCPclinet_V1）：输入一行，发出去，打印回复，退出。
# ANCHOR: twin
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 6969
clinet = socket.socket()
clinet.connect(('127.0.0.1', port))  # 教程写的是 localhost
send_data = input('>>:')  # type is string
if not send_data:  # 教程没有这三行：send(b'') 什么也不发，两边的 recv 会一直互相等下去
    print('空行不发送：send(b\'\') 什么也不发，服务端收不到，两边会一直互相等下去')
    sys.exit()
clinet.send(send_data.encode('utf-8'))  # change type to bytes
data = clinet.recv(1024)  # buffersize 1024 Byte
print("Clinet recive data:", data.decode())
clinet.close()
# ANCHOR_END: twin
