# 第 07 课：ThreadingTCPServer + MyHandler 的 Python 版，线上与 l07-server 完全相同：
# 每次 recv(1024) 读到的就是一条消息，回复 "Your msg=<消息>"，一次 sendall，不加换行；
# --max-clients N 服务完 N 个客户端后干净地退出。
import argparse
import queue
import socket
import socketserver
import sys
import threading

RECV_SIZE = 1024
IDLE_TIMEOUT = 60


def strip_newline(data):
    """去掉结尾的一个 \\n 或 \\r\\n（nc、telnet 敲的行带着它），只去一个。"""
    if data.endswith(b"\r\n"):
        return data[:-2]
    if data.endswith(b"\n"):
        return data[:-1]
    return data


# ANCHOR: handler
class MyHandler(socketserver.BaseRequestHandler):
    def setup(self):
        self.request.settimeout(IDLE_TIMEOUT)  # 对方太久不说话，recv 抛出 socket.timeout
        self.replies = 0
        self.log("setup：%s 连上了" % addr(self.client_address))

    def handle(self):
        who = addr(self.client_address)
        while True:
            try:
                data = self.request.recv(RECV_SIZE)  # 有多少读多少，最多 1024 字节
            except socket.timeout:
                self.log("%s 太久没有说话，断开" % who)
                return
            except ConnectionError:
                self.log("%s 的连接已经断开" % who)
                return
            if not data:  # EOF：对方说完了。先判断再回复，就不会多回一句空的 "Your msg="
                return
            message = strip_newline(data)
            text = message.decode("utf-8", "replace")  # 坏字节换成 �，不抛异常
            reply = "Your msg=" + text
            self.log("%s 说：%s → %s" % (who, one_line(text), one_line(reply)))
            if text.encode("utf-8") != message:
                self.log("%s 注意：这次读到的字节不是合法的 UTF-8，回复里已换成 �" % who)
            if len(data) == RECV_SIZE:
                self.log("%s 注意：这次读满了 1024 字节：对方的消息可能还没完" % who)
            try:
                self.request.sendall(reply.encode("utf-8"))  # 一次发完，不加换行
            except ConnectionError:
                self.log("%s 没等回复就断开了" % who)
                return
            self.replies += 1

    def finish(self):
        self.log("finish：%s 走了，共回复 %d 条" % (addr(self.client_address), self.replies))
        self.server.finished.put(self.client_address)

    def log(self, text):
        say("[%s] %s" % (threading.current_thread().name, text))
# ANCHOR_END: handler


def say(text):
    print(text, flush=True)


def one_line(text):
    return text.replace("\r", "\\r").replace("\n", "\\n")


def addr(address):
    host, port = address[0], address[1]
    return "[%s]:%d" % (host, port) if ":" in host else "%s:%d" % (host, port)


# ANCHOR: main
def main():
    parser = argparse.ArgumentParser(description="ThreadingTCPServer + MyHandler")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9999)
    parser.add_argument("--max-clients", type=int)
    args = parser.parse_args()

    socketserver.ThreadingTCPServer.allow_reuse_address = True
    # 默认的 request_queue_size 只有 5：同时来一百个连接时，排不上队的握手被内核丢掉，
    # 客户端要等几秒甚至几十秒的重传才连得进来。标准库的 Rust TcpListener 用的是 128。
    socketserver.ThreadingTCPServer.request_queue_size = 128
    try:
        server = socketserver.ThreadingTCPServer((args.host, args.port), MyHandler)
    except OSError as err:
        sys.exit("错误：无法监听 %s:%d（%s）。换一个端口，或用 --port 0" % (args.host, args.port, err))
    server.finished = queue.Queue()
    say("服务端 正在监听 %s" % addr(server.server_address))
    if args.max_clients is None:
        server.serve_forever()  # 一直服务；下面的 shutdown 永远走不到，所以这里没有写
        return
    # serve_forever 放进另一个线程：shutdown() 必须从别的线程调用，在它自己的线程里调用会永远等下去。
    serving = threading.Thread(target=server.serve_forever, args=(0.5,))
    serving.start()
    for _ in range(args.max_clients):
        server.finished.get()
    say("已经服务完 %d 个客户端：从主线程调用 shutdown()" % args.max_clients)
    server.shutdown()
    serving.join()
    server.server_close()  # ThreadingMixIn 在这里等所有处理线程结束
    say("server_close() 返回了：所有处理线程都已结束，端口已释放")
# ANCHOR_END: main


if __name__ == "__main__":
    main()
