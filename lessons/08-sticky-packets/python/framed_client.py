# 第 08 课：长度前缀分帧的客户端（Python 版），可以连 l08-framed-server。
# 用法：python3 framed_client.py --port 9999 你好 我爱阿芬
import argparse
import socket
import struct

MAX_FRAME = 16 * 1024 * 1024


# ANCHOR: frames
def send_frame(sock, payload):
    # '>I'：大端（>）无符号 4 字节整数（I），和 Rust 的 u32::to_be_bytes 一样。
    sock.sendall(struct.pack(">I", len(payload)) + payload)


def recv_exactly(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("对方在第 %d/%d 字节处关闭了连接" % (len(data), n))
        data += chunk
    return data


def recv_frame(sock, max_size=MAX_FRAME):
    """读一帧；在帧与帧之间遇到对方关闭时返回 None。"""
    first = sock.recv(4)
    if not first:
        return None
    header = first + recv_exactly(sock, 4 - len(first))
    (size,) = struct.unpack(">I", header)
    if size > max_size:  # 先检查长度，再准备内存
        raise ValueError("对方声称这一帧有 %d 字节，超过了上限 %d" % (size, max_size))
    return recv_exactly(sock, size)
# ANCHOR_END: frames


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="把每条消息作为一帧发出去，打印回显")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9999)
    parser.add_argument("messages", nargs="*", default=["你好", "我爱阿芬"])
    args = parser.parse_args()
    try:
        sock = socket.create_connection((args.host, args.port), timeout=10)
    except OSError as err:
        raise SystemExit("错误：连不上分帧回显服务端 %s:%d（%s）。先在另一个终端里启动它：just lesson 08 framed-server"
                         % (args.host, args.port, err))
    for text in args.messages:
        send_frame(sock, text.encode("utf-8"))
        echo = recv_frame(sock)
        if echo is None:
            raise SystemExit("服务端关闭了连接")
        print("回显：%s（%d 字节）" % (echo.decode("utf-8", "replace"), len(echo)))
    sock.close()
