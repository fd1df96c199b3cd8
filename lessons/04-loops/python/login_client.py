# 教程版登录客户端（教程 002 的作业）：问用户名和密码，直到服务端说 success。
# ANCHOR: twin
import socket
import sys

sock = socket.socket()  # TCP协议
sock.connect(('127.0.0.1', int(sys.argv[1]) if len(sys.argv) > 1 else 8001))  # 教程写成 connect('192.168.0.1',8001)，少了括号
while 1:
    user = input('用户名>>>')
    pwd = input('密码>>>')
    val = ("%s|%s" % (user, pwd)).encode('utf8')
    sock.send(val)
    response = sock.recv(1024)
    print(response.decode('utf8'))
    if response.decode('utf8') == 'success':
        break
    else:
        print('用户名或密码错误')
        continue
# ANCHOR_END: twin
