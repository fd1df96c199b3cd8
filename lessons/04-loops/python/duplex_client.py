# 教程版“多线程与网络编程”客户端（教程 002）：一个线程发、一个线程收，用全局变量 running 让它们停下。
# ANCHOR: twin
import socket
import sys
import threading
import time

cSocket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
cSocket.connect(('127.0.0.1', int(sys.argv[1]) if len(sys.argv) > 1 else 12345))  # 教程是 192.168.247.1
cSocket.settimeout(3)  # 教程没有：exit 之后接收线程可能永远卡在 recv 里，这里最多等 3 秒就回去看 running
msg = ''
running = True


# ANCHOR: recv
def recvMsg():
    global running
    empty, waited = 0, False  # 教程没有这两个变量

    while running:
        waited = False
        try:
            msg_bytes = cSocket.recv(1024)
        except socket.timeout:  # 等了 3 秒没有消息：回到 while 看一眼 running
            waited = True
            continue
        msg = msg_bytes.decode('utf-8')
        print('\n从服务器接收的信息：{0}\n'.format(msg))
        if not msg_bytes:  # 教程没有这几行：服务端关闭连接后，这里每秒打印一条空消息，永不停止
            empty += 1
            if empty == 3:
                print('接收线程：已经 3 次收到空消息，服务端关闭了连接。教程的接收线程会一直这样打印下去，这里停下')
                break
        time.sleep(1)
    if waited:
        print('接收线程：running 已经是 False，recv 却等了 3 秒也没等到消息。教程的接收线程会一直等下去，这里停下')
# ANCHOR_END: recv


# ANCHOR: send
def sendMsg():
    global running

    while running:
        try:
            msg = input('请输入要传输的内容：')
        except EOFError:  # 教程没有：标准输入结束时当作 exit（教程在这里抛出异常，running 永远是 True）
            msg = 'exit'
        msg_bytes = msg.encode('utf-8')
        cSocket.send(msg_bytes)

        if msg == 'exit':
            running = False
            break
# ANCHOR_END: send


if __name__ == '__main__':
    thr1 = threading.Thread(target=recvMsg, args=(), name='recv_thread')
    thr2 = threading.Thread(target=sendMsg, args=(), name='send_thread')
    thr1.start()
    thr2.start()
# ANCHOR_END: twin
