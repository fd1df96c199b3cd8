# 第 05 课教程版：教程（004 §1.3）的 UDP 客户端，照教程的写法。
# 教程没有超时：一个数据报丢了，recv 就永远等下去。教程版只多了 settimeout(3)，
# 3 秒等不到回答就说明原因，然后停下。端口可以用第一个参数给。
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 9999
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
for data in [b'Michael', b'Tracy', b'Sarah']:
    s.sendto(data, ('127.0.0.1', port))
    try:
        print(s.recv(1024).decode('utf-8'))
    except socket.timeout:
        sys.exit('3 秒内没有收到回答，数据报可能丢了：教程的程序会一直等下去，教程版到此为止')
s.close()
