# 第 06 课教程版（Python）：教程里 makefile 的例子。只服务一个连接：读 10 个字符，回复，flush，关闭。
# 与教程不同的只有三处：端口可以由 sys.argv[1] 给出（0 让系统挑），先打印真正绑定的地址，
# 以及 encoding='utf-8'——教程没写，用的是系统的默认编码；写明了，换一台机器也是按 UTF-8 数字符。
import socket
import sys

sock = socket.socket()  # 默认 IPv4、TCP
ip = '127.0.0.1'
port = int(sys.argv[1]) if len(sys.argv) > 1 else 9999
addr = (ip, port)
sock.bind(addr)
sock.listen()
print('%s:%d' % sock.getsockname())
conn, addrinfo = sock.accept()  # 阻塞，直到有客户端连上

f = conn.makefile(mode='rw', encoding='utf-8')  # 文本模式：read(10) 数的是字符
line = f.read(10)  # 读够 10 个字符，或者读到 EOF，才返回
print(line)
f.write('Return your msg:{}'.format(line))
f.flush()  # 写进 f 的回复这时才交给套接字
f.close()
