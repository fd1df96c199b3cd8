# 第 07 课教程版（Python）：教程里 socketserver 的例子。MyHandler 的 setup、handle、finish 照教程写，
# 和教程不同的只有三处：端口可以由 sys.argv[1] 给出（0 让系统挑）；先打印真正绑定的地址；
# 以及一个看得见的终点。教程的 serve_forever() 永远不返回，排在它后面的 shutdown() 和
# server_close() 一次也走不到。这里在 finish 里数着处理完的连接，第 3 个处理完就调用 shutdown()：
# 调用它的是处理这个连接的线程，不是 serve_forever 的线程，所以不会死锁。serve_forever 随之返回，
# 教程最后那两行这才真的运行。
import itertools
import socketserver
import sys
import threading

DONE = itertools.count(1)  # 处理完的连接数；next() 在几个线程里同时调用也不会数重


# ANCHOR: handler
class MyHandler(socketserver.BaseRequestHandler):

    def setup(self):  # 每个连接开始时
        super().setup()
        self.event = threading.Event()  # 建了，却没有任何代码去 set() 它

    def handle(self):  # 处理这个连接
        super().handle()
        print(self.server, self.client_address, self.request)
        while not self.event.is_set():  # 没有这个循环，读一次就结束了
            data = self.request.recv(1024).decode()
            msg = "Your msg={}".format(data)
            print(msg)
            self.request.send(msg.encode())  # 对方已经关闭时 data 是空串，这句照样发出去
            if not data:
                break

    def finish(self):  # 每个连接结束时
        super().finish()
        if next(DONE) == 3:
            print("已经处理完 3 个连接：教程版到此为止，调用 shutdown()")
            self.server.shutdown()
# ANCHOR_END: handler


# ANCHOR: main
port = int(sys.argv[1]) if len(sys.argv) > 1 else 9999
ADDR = ('127.0.0.1', port)
server = socketserver.ThreadingTCPServer(ADDR, MyHandler)
print("%s:%d" % server.server_address)
server.serve_forever()

server.shutdown()
server.server_close()
# ANCHOR_END: main
