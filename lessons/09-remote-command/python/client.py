# 第 09 课：远程执行命令的客户端（Python 版），输出和 l09-client 逐行相同。
import argparse
import socket
import struct
import sys

PROMPT = "cmd:>>>"


# ANCHOR: ask
def recv_exact(sk, n):
    data = b""
    while len(data) < n:
        chunk = sk.recv(n - len(data))
        if not chunk:
            raise ConnectionError("服务端在回答之前关闭了连接")
        data += chunk
    return data


def ask(sk, command):
    sk.sendall(struct.pack(">I", len(command)) + command)
    (length,) = struct.unpack(">I", recv_exact(sk, 4))
    return recv_exact(sk, length)
# ANCHOR_END: ask


def main():
    parser = argparse.ArgumentParser(description="远程执行命令的客户端（Python 版）")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8879)
    parser.add_argument("--encoding", default="utf-8", choices=["utf-8", "gbk"])
    args = parser.parse_args()
    sk = socket.create_connection((args.host, args.port), timeout=10)
    print("已连接到 %s:%d" % sk.getpeername()[:2])
    while True:
        try:
            inp = input(PROMPT).strip()
        except EOFError:
            print()
            break
        if not sys.stdin.isatty():
            print(inp)
        if not inp:
            continue
        if inp == "q":
            break
        reply = ask(sk, inp.encode("utf-8"))
        text = reply.decode(args.encoding, errors="replace")
        print(text, end="" if text.endswith("\n") else "\n")
        print("receive data size", len(reply))
    sk.close()


if __name__ == "__main__":
    main()
