# 第 06 课：makefile 客户端（Python 版），输出与 l06-client 逐行相同。
import argparse
import socket

parser = argparse.ArgumentParser()
parser.add_argument("message", nargs="?", default="你好世界和平万岁一二三")
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=9999)
args = parser.parse_args()

# ANCHOR: client
conn = socket.create_connection((args.host, args.port), timeout=10)
data = args.message.encode("utf-8")
print("发送：%s（%d 个字符，%d 字节）" % (args.message, len(args.message), len(data)), flush=True)
conn.sendall(data)
conn.shutdown(socket.SHUT_WR)  # 说完了：不足 10 个字符时，服务端的 read(10) 才会返回
f = conn.makefile(mode="rb")  # 二进制模式：read() 读到 EOF，得到 bytes
reply = f.read()
print("收到：%s" % reply.decode("utf-8"), flush=True)
# ANCHOR_END: client
f.close()
conn.close()
