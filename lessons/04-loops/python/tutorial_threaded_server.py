# 教程版多线程服务端（教程 004 的 1.2.2 节）：每个连接一个线程，先说 Welcome!，再对每个名字说 Hello。
# ANCHOR: twin
import socket
import sys
import threading
import time

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(('127.0.0.1', int(sys.argv[1]) if len(sys.argv) > 1 else 9999))
s.listen(5)
print("%s:%d" % s.getsockname())
print('Waiting for connection...')


# ANCHOR: tcplink
def tcplink(sock, addr):
    print('Accept new connection from %s:%s...' % addr)
    sock.send(b'Welcome!')
    while True:
        data = sock.recv(1024)
        time.sleep(1)
        if not data or data.decode('utf-8') == 'exit':
            break
        sock.send(('Hello, %s!' % data.decode('utf-8')).encode('utf-8'))
    sock.close()
    print('Connection from %s:%s closed.' % addr)
# ANCHOR_END: tcplink


# ANCHOR: accept
while True:
    sock, addr = s.accept()
    t = threading.Thread(target=tcplink, args=(sock, addr))
    t.start()
# ANCHOR_END: accept
# ANCHOR_END: twin
