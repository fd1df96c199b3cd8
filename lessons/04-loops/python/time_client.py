# 教程版“TCP 聊天室”客户端（教程 002）：输入一句发一句，打印回复；空行结束。
# ANCHOR: twin
import socket
import sys

tcpClisock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
port = int(sys.argv[1]) if len(sys.argv) > 1 else 12345
tcpClisock.connect(('127.0.0.1', port))  # 教程连的是 192.168.247.1
print('start Socket client')
while 1:
    data = input('请输入用户端发送内容：')
    if not data:
        break
    tcpClisock.send(data.encode('utf-8'))
    client_data = tcpClisock.recv(1024)
    if not client_data:
        break
    print('客户端接收的消息为：', client_data.decode('utf-8'))
tcpClisock.close()
# ANCHOR_END: twin
