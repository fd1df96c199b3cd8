# 教程版“可聊天应用”客户端（教程 004 的 9.19 节）：敲一句发一句，等服务端那边的人回话；exit 结束。
# ANCHOR: twin
import socket
import sys

s = socket.socket()
print(s)
address = ('127.0.0.1', int(sys.argv[1]) if len(sys.argv) > 1 else 8888)
s.connect(address)
while True:
    inp = input('>>>')
    if inp == 'exit':
        break
    if not inp:  # 教程没有这三行：send(b'') 什么也不发，服务端收不到，两边会一直互相等下去
        print('空行不发送：send(b\'\') 什么也不发，两边会一直互相等下去')
        break
    s.send(bytes(inp, 'utf8'))
    data = s.recv(1024)
    print(str(data, 'utf8'))
s.close()
# ANCHOR_END: twin
