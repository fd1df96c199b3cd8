# 教程版 V2 客户端（教程 001）：一行一行地问，空行结束。
# ANCHOR: twin
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 6969
clinet = socket.socket()
clinet.connect(('127.0.0.1', port))  # 教程写的是 localhost
while True:
    send_data = input('>>:')
    if not send_data:
        break
    clinet.send(send_data.encode('utf-8'))
    data = clinet.recv(1024)
    print("Clinet recive data:", data.decode())
clinet.close()
# ANCHOR_END: twin
