# 教程版登录服务端（教程 002 的作业）：收到 用户名|密码，到当前目录的 account 文件（每行 用户名:密码）里找。
# ANCHOR: twin
import socket
import sys

server = socket.socket()  # TCP协议
IP_PORT = ('127.0.0.1', int(sys.argv[1]) if len(sys.argv) > 1 else 8001)  # 教程是 192.168.0.1
server.bind(IP_PORT)
server.listen(5)
print("%s:%d" % server.getsockname())
# ANCHOR: loop
while 1:
    conn, addr = server.accept()
    while 1:
        try:
            data = conn.recv(1024).decode('utf8')
            print('接收信息：', data)
            user, pwd = data.split('|')
            # 文件操作
            flag = False
            with open('account', 'r') as f:
                for line in f:
                    username, password = line.strip().split(':')
                    if username == user and password == pwd:
                        flag = True
                        break
            if flag:
                conn.send(b'success')
            else:
                conn.send(b'fail')
        except Exception as e:
            break
    conn.close()  # 教程没有这一句：连接要等下一次 accept 换掉 conn 才关，客户端会一直等下去
# ANCHOR_END: loop
# ANCHOR_END: twin
