# 第 07 课：客户端的 Python 版，输出与 l07-client 相同。
# 把标准输入的每一行发给服务端，打印每条回复；空行或 EOF 结束。
import argparse
import socket
import sys


def main():
    parser = argparse.ArgumentParser(description="逐行发送标准输入，打印服务端的回复")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9999)
    parser.add_argument("--timeout", type=float, default=10)
    args = parser.parse_args()
    try:
        sock = socket.create_connection((args.host, args.port), timeout=args.timeout)
    except OSError as err:
        sys.exit("错误：连不上服务端 %s:%d（%s）。先在另一个终端里启动它：just lesson 07 server"
                 % (args.host, args.port, err))
    print("已连接 %s:%d" % sock.getpeername()[:2], flush=True)
    replies = sock.makefile("rb")
    count = 0
    for line in sys.stdin.buffer:
        line = line.rstrip(b"\r\n")
        if not line:
            break
        sock.sendall(line + b"\n")
        try:
            reply = replies.readline()
        except socket.timeout:
            sys.exit("错误：等了很久服务端都没有回复")
        if not reply:
            sys.exit("错误：服务端没有回复就关闭了连接（它那边可能出错了，看看服务端的输出）")
        print("收到：" + reply.rstrip(b"\r\n").decode("utf-8", "replace"), flush=True)
        count += 1
    sock.shutdown(socket.SHUT_WR)  # 告诉服务端“我说完了”
    print("说完了，共收到 %d 条回复" % count, flush=True)


if __name__ == "__main__":
    main()
