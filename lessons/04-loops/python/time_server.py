# 教程版“TCP 聊天室”服务端（教程 002）：每收到一句，回复服务器的当前时间；空消息或 quit 结束这个客户端。
# ANCHOR: twin
import socket
import sys
import time

serversocket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
port = int(sys.argv[1]) if len(sys.argv) > 1 else 12345
serversocket.bind(('127.0.0.1', port))  # 教程绑定的是局域网地址 192.168.247.1
serversocket.listen(10)
print("%s:%d" % serversocket.getsockname())
print('start Socket server')
while True:
    tcpCliSock, addr = serversocket.accept()
    print('从{0}连接上客户端'.format(addr))
    while True:
        client_data = tcpCliSock.recv(1024).decode('utf-8')
        print('服务器接收消息：', client_data)
        if not client_data or client_data == 'quit':
            break
        msg = '服务器当前时间={0}'.format(time.ctime())
        tcpCliSock.send(msg.encode('utf-8'))
    tcpCliSock.close()
serversocket.close()
# ANCHOR_END: twin
