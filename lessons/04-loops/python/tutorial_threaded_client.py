# 教程版客户端（教程 004 的 1.2.2 节）：读欢迎语，依次发出三个名字，打印回复，最后发 exit。
# ANCHOR: twin
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.connect(('127.0.0.1', int(sys.argv[1]) if len(sys.argv) > 1 else 9999))
print(s.recv(1024).decode('utf-8'))
for data in [b'Michael', b'Tracy', b'Sarah']:
    s.send(data)
    print(s.recv(1024).decode('utf-8'))
s.send(b'exit')
s.close()
# ANCHOR_END: twin
