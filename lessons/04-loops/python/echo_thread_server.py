# 教程版“多线程与网络编程”服务端（教程 002）：每个客户端一个线程，收到什么就原样发回去；空消息或 quit 关闭连接。
# ANCHOR: twin
import socket
import sys
import threading


def main():
    sSocket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sSocket.bind(('127.0.0.1', int(sys.argv[1]) if len(sys.argv) > 1 else 12345))  # 教程是 192.168.247.1
    sSocket.listen(10)
    print("%s:%d" % sSocket.getsockname())
    print('开启服务器')

    while 1:
        cSocket, addr = sSocket.accept()
        print('客户端{0}连接到服务器'.format(addr))
        thr1 = threading.Thread(target=recvMsg, args=(cSocket, addr))
        thr1.start()


def recvMsg(cSocket, addr):
    while 1:
        msg_bytes = cSocket.recv(1024)
        msg = msg_bytes.decode('utf-8')
        print('从{0}客户端接收到信息：{1}'.format(addr, msg))
        if not msg or msg == 'quit':
            print('关闭客户端{0}连接'.format(addr))
            cSocket.close()
            break
        cSocket.send(msg_bytes)


if __name__ == '__main__':
    main()
# ANCHOR_END: twin
