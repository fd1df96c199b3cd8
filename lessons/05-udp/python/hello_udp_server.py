# 第 05 课教程版：教程（002 UDP程序设计）的 UDP 服务端，照教程的写法。
# 教程绑定的是局域网地址 192.168.247.1，这里换成本机的 127.0.0.1；端口可以用第一个参数给，
# 第一行打印真正绑定的地址；教程的 while 1 永远不停，教程版收满 100 个数据报就停。
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 12345
HostPort = ('127.0.0.1', port)
udpSerSock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udpSerSock.bind(HostPort)
print('%s:%d' % udpSerSock.getsockname())
for _ in range(100):
    data, addr = udpSerSock.recvfrom(1024)
    print('接收信息：', data.decode('utf-8'))
    sendMsg = 'hello {0}'.format(data.decode('utf-8'))
    udpSerSock.sendto(sendMsg.encode('utf-8'), addr)
print('教程版收满 100 个数据报就停（教程的服务端会一直收下去）')
