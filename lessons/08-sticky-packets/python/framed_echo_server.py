# 第 08 课：长度前缀分帧的回显服务端（Python 版），l08-framed-client 可以连它。
# 用法：python3 framed_echo_server.py --port 9999（--port 0 让系统挑端口）
import argparse
import socket
import threading

from framed_client import recv_frame, send_frame


def handle(conn, number):
    with conn:
        conn.settimeout(30)  # 卡住的连接不能一直占着线程
        count = 0
        try:
            while True:
                payload = recv_frame(conn)
                if payload is None:
                    break
                count += 1
                send_frame(conn, payload)
            print("[#%d] 对方关闭了连接，一共回显了 %d 帧" % (number, count), flush=True)
        except (OSError, ValueError) as e:
            print("[#%d] 出错：%s；断开这个连接" % (number, e), flush=True)


parser = argparse.ArgumentParser(description="分帧回显服务端")
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=9999)
args = parser.parse_args()

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind((args.host, args.port))
server.listen()
host, port = server.getsockname()
print("Python 分帧回显服务端 正在监听 %s:%d" % (host, port), flush=True)
number = 0
while True:
    conn, addr = server.accept()
    number += 1
    threading.Thread(target=handle, args=(conn, number), daemon=True).start()
