# 第 06 课：makefile 服务端（Python 版）。每个连接读 10 个字符，回复 Return your msg:<这 10 个字符>。
import argparse
import socket

parser = argparse.ArgumentParser()
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=9999)
args = parser.parse_args()

sock = socket.socket()
sock.bind((args.host, args.port))
sock.listen()
host, port = sock.getsockname()[:2]
# 第一行写出真正绑定的地址，测试从这里得知端口。
print("服务端 正在监听 %s:%d" % (host, port), flush=True)

while True:
    conn, addr = sock.accept()
    conn.settimeout(30)
    # ANCHOR: makefile
    f = conn.makefile(mode="rw", encoding="utf-8")  # 文本模式：read(10) 读 10 个字符
    text = f.read(10)
    print("%s:%d 读到 %d 个字符：%s" % (addr[0], addr[1], len(text), text), flush=True)
    f.write("Return your msg:" + text)
    f.flush()  # 不 flush，回复就留在 f 的缓冲区里
    # ANCHOR_END: makefile
    # 先半关闭，再读掉对方多发的字节，避免带着未读数据 close 引起 RST。
    conn.shutdown(socket.SHUT_WR)
    try:
        while conn.recv(4096):
            pass
    except OSError:
        pass
    f.close()
    conn.close()
