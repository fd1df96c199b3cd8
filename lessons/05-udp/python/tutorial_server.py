# 第 05 课教程版：教程（004 §1.3）的 UDP 服务端，照教程的写法。
# 和教程只差三处：端口可以用第一个参数给（0 让系统挑），第一行打印真正绑定的地址，
# 以及收满 100 个数据报就停（教程的 while True 永远不停）。
import socket
import sys
import threading

port = int(sys.argv[1]) if len(sys.argv) > 1 else 9999
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('127.0.0.1', port))
print('%s:%d' % s.getsockname())
print('Bind UDP on 9999...')


def tcplink(data, addr):
    print('Received from %s:%s.' % addr)
    s.sendto(b'Hello, %s!' % data, addr)


for _ in range(100):
    data, addr = s.recvfrom(1024)
    t = threading.Thread(target=tcplink, args=(data, addr))
    t.start()
# 等还在回答的 tcplink 线程做完，再说为什么停下（Rust 版的作用域线程也是这样）。
for t in threading.enumerate():
    if t is not threading.main_thread():
        t.join()
print('教程版收满 100 个数据报就停（教程的服务端会一直收下去）')
