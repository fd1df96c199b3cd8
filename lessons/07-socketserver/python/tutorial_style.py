# 第 07 课：照教程的思路写的服务端（recv(1024) 读到什么就回什么），用来观察它的两个问题：
# 1. 一次 recv 读到的就算“一条消息”：两条消息挨得太近会粘成一条，只得到一条回复；
# 2. 对方关闭连接时 recv 返回 b""，它还会先回一句空的 "Your msg=" 才退出循环。
import argparse
import socketserver


# ANCHOR: handler
class RecvHandler(socketserver.BaseRequestHandler):
    def handle(self):
        finished = False
        while not finished:
            chunk = self.request.recv(1024)  # 一次读到多少，就当作一条消息
            finished = chunk == b""  # 对方关闭了连接……
            answer = "Your msg=" + chunk.decode("utf-8", "replace")
            print(answer, flush=True)
            try:
                self.request.sendall(answer.encode("utf-8"))  # ……这句空的回复却照样发出去
            except OSError:
                pass  # 对方已经走了
# ANCHOR_END: handler


parser = argparse.ArgumentParser()
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=9999)
args = parser.parse_args()
server = socketserver.ThreadingTCPServer((args.host, args.port), RecvHandler)
print("服务端 正在监听 %s:%d" % server.server_address, flush=True)
server.serve_forever()
