# 第 07 课：ThreadingTCPServer + MyHandler 的 Python 版，协议与 l07-server 相同：
# 每收到一行，回复 "Your msg=<这一行>\n"；--max-clients N 服务完 N 个客户端后干净地退出。
import argparse
import queue
import socketserver
import sys
import threading

MAX_MESSAGE = 64 * 1024

# ANCHOR: handler
class MyHandler(socketserver.StreamRequestHandler):
    timeout = 60  # 连接空闲这么久就放弃（rfile 的读会抛出 TimeoutError）

    def setup(self):
        super().setup()  # 在这里建好 self.rfile 和 self.wfile
        self.replies = 0
        say("[%s] setup：%s 连上了" % (threading.current_thread().name, addr(self.client_address)))

    def handle(self):
        while True:
            line = self.rfile.readline(MAX_MESSAGE + 1)
            if not line:  # EOF：对方说完了
                return
            if len(line) > MAX_MESSAGE and not line.endswith(b"\n"):
                text = "错误：一条消息最多 %d 字节，这条太长了，连接将关闭\n" % MAX_MESSAGE
                self.wfile.write(text.encode("utf-8"))
                return
            try:
                reply = "Your msg=" + line.rstrip(b"\r\n").decode("utf-8")
            except UnicodeDecodeError:
                reply = "错误：这条消息不是合法的 UTF-8，请用 UTF-8 编码发送"
            say("[%s] %s 说：%s → %s" % (threading.current_thread().name, addr(self.client_address),
                                          line.rstrip(b"\r\n").decode("utf-8", "replace"), reply))
            self.wfile.write((reply + "\n").encode("utf-8"))  # wfile 不缓冲，写了就发出
            self.replies += 1

    def finish(self):
        super().finish()  # 把 wfile 里剩下的发出去，关闭 rfile 和 wfile
        say("[%s] finish：%s 走了，共回复 %d 条"
            % (threading.current_thread().name, addr(self.client_address), self.replies))
        self.server.finished.put(self.client_address)
# ANCHOR_END: handler


def say(text):
    print(text, flush=True)


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
