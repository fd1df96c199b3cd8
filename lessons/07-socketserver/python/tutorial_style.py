# 第 07 课：照教程思路写的服务端（recv(1024) 读到什么就回什么），用来观察它的三个问题：
# 1. 对方关闭连接时 recv 返回 b""，它还会先回一句空的 "Your msg=" 才退出循环；
# 2. 一次 recv 读到的就算“一条消息”：超过 1024 字节的消息被拆开，挨得太近的消息会粘在一起；
# 3. .decode() 不留余地：1024 字节切在一个汉字中间时抛出 UnicodeDecodeError，连接就此断开。
import argparse
import socketserver


# ANCHOR: handler
class RecvHandler(socketserver.BaseRequestHandler):
    def handle(self):
        while True:
            text = self.request.recv(1024).decode()  # 一次读到多少，就当作一条消息
            answer = "Your msg=" + text
            print(answer, flush=True)
            self.request.send(answer.encode())  # 对方已经关闭时 text 是空串，这句空回复照样发出去
            if not text:
                break
# ANCHOR_END: handler


parser = argparse.ArgumentParser()
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=9999)
args = parser.parse_args()
server = socketserver.ThreadingTCPServer((args.host, args.port), RecvHandler)
print("服务端 正在监听 %s:%d" % server.server_address, flush=True)
server.serve_forever()
