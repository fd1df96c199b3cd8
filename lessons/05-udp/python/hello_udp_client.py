# 第 05 课教程版：教程（002 UDP程序设计）的 UDP 客户端，照教程的写法。
# 教程发往局域网地址 192.168.247.1，这里换成本机的 127.0.0.1；端口可以用第一个参数给。
# 教程的 recvfrom 没有超时，教程版只等 3 秒；标准输入结束（EOF）和空行一样结束。
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 12345
HostPort = ('127.0.0.1', port)
udpClisock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udpClisock.settimeout(3)
while 1:
    try:
        data = input('请输入传输内容：')
    except EOFError:
        data = ''
    if not data or data == 'quit':
        break
    udpClisock.sendto(data.encode('utf-8'), HostPort)
    try:
        data, addr = udpClisock.recvfrom(1024)
    except socket.timeout:
        sys.exit('3 秒内没有收到回答，数据报可能丢了：教程的程序会一直等下去，教程版到此为止')
    msg = data.decode('utf-8')
    print('客户端接收信息为：{0}'.format(msg))

udpClisock.close()
