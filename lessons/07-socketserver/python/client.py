# 第 07 课：客户端的 Python 版，线上和输出都与 l07-client 相同。
# 标准输入的每一行是一条消息：一次发完、不带换行，然后 recv(1024) 一次读回复；空行或 EOF 结束。
import argparse
import socket
import sys

RECV_SIZE = 1024


def strip_newline(data):
    if data.endswith(b"\r\n"):
        return data[:-2]
    if data.endswith(b"\n"):
        return data[:-1]
    return data


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
    count = 0
# ANCHOR: loop
    for line in sys.stdin.buffer:
        message = strip_newline(line)
        if not message:
            break
        # 回复必须装得进一次 recv(1024)，否则一问一答就错位了。
        reply_len = len(("Your msg=" + message.decode("utf-8", "replace")).encode("utf-8"))
        if reply_len > RECV_SIZE:
            print("这一行有 %d 字节，回复会有 %d 字节，一次读（最多 1024 字节）装不下：没有发送。"
                  "长消息要先约定好边界，见第 08 课" % (len(message), reply_len), file=sys.stderr)
            continue
        sock.sendall(message)  # 一条消息一次发完，不带换行
        try:
            data = sock.recv(RECV_SIZE)  # 一次读到的就是这条消息的回复
        except socket.timeout:
            sys.exit("错误：等了很久服务端都没有回复")
        if not data:
            sys.exit("错误：服务端没有回复就关闭了连接（它那边可能出错了，看看服务端的输出）")
        print("收到：" + data.decode("utf-8", "replace"), flush=True)
        count += 1
# ANCHOR_END: loop
    sock.shutdown(socket.SHUT_WR)  # 告诉服务端“我说完了”
    print("说完了，共收到 %d 条回复" % count, flush=True)


if __name__ == "__main__":
    main()
