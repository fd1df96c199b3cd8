# 教程版“可聊天应用”服务端（教程 004 的 9.19 节）：打印客户端说的话，回复由坐在服务端前的人敲进去。
# ANCHOR: twin
import socket
import sys

s = socket.socket()
address = ('127.0.0.1', int(sys.argv[1]) if len(sys.argv) > 1 else 8888)
s.bind(address)
s.listen(3)
print("%s:%d" % s.getsockname())
while 1:
    conn, addr = s.accept()
    print(addr)
    while 1:
        try:
            data = conn.recv(1024)
        except Exception:
            break
        print('.......', str(data, 'utf8'))
        inp = input('>>>')
        if not inp:  # 教程没有这三行：send(b'') 什么也不发，客户端会一直等下去
            print('空行：send(b\'\') 什么也不发，客户端会一直等下去；服务端到此为止')
            sys.exit()
        conn.send(bytes(inp, 'utf8'))
s.close()
# ANCHOR_END: twin
