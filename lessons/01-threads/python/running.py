# 第 01 课 教程版：教程聊天客户端（002 多线程与网络编程）的两个线程和全局变量 running。
# 套接字的部分去掉了（网络版在第 04 课）：接收线程只是等 running 变成 False，
# 发送线程一行一行地读输入，读到 exit 就把 running 设为 False。
import threading
import time

running = True


def recvMsg():
    while running:
        # 教程在这里 recv(1024)、打印收到的信息；这里只等一小会儿再看 running
        time.sleep(0.1)
    print("%s：running 是 false 了，退出" % threading.current_thread().name)


def sendMsg():
    global running
    while running:
        try:
            msg = input("请输入要传输的内容：")
        except EOFError:
            # 标准输入结束了，当作输入了 exit，免得接收线程永远等下去
            msg = "exit"
        if msg == "exit":
            print("%s：把 running 设为 false" % threading.current_thread().name)
            running = False
            break


thr1 = threading.Thread(target=recvMsg, args=(), name="recv_thread")
thr2 = threading.Thread(target=sendMsg, args=(), name="send_thread")
thr1.start()
thr2.start()
