"""第 10 课的 Python 对照：上传客户端。

和教程一样每次读 1024 字节、sendall 出去；不同的是请求头末尾多了一个换行，
发完后读服务端的回答（服务端收够字节就回答，不用半关闭），核对 SHA-256。
用法：python3 upload_client.py [--host 127.0.0.1] [--port 8898] 文件路径 [--as 名字]
"""

import argparse
import hashlib
import os
import socket
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8898)
    parser.add_argument("--as", dest="name")
    parser.add_argument("path")
    args = parser.parse_args()

    # ANCHOR: upload
    file_byte_size = os.stat(args.path).st_size
    file_name = args.name or os.path.basename(args.path)
    sk = socket.create_connection((args.host, args.port), timeout=10)
    # 教程的请求头没有结尾，服务端不知道它在哪里结束；这里加上 \n。
    sk.sendall(f"post|{file_byte_size}|{file_name}\n".encode("utf8"))
    sha = hashlib.sha256()
    has_sent = 0
    with open(args.path, "rb") as file_obj:
        while has_sent < file_byte_size:
            data = file_obj.read(1024)
            if not data:
                sys.exit("文件在发送途中变短了")
            sha.update(data)
            sk.sendall(data)
            has_sent += len(data)
    reply = sk.makefile("rb").readline().decode("utf8").rstrip("\n")
    sk.close()
    # ANCHOR_END: upload

    print("服务端回答：", reply)
    parts = reply.split(" ")
    if parts[0] == "ok" and parts[1:] == [str(file_byte_size), sha.hexdigest()]:
        print("SHA-256 一致：", sha.hexdigest())
    else:
        sys.exit("上传失败")


if __name__ == "__main__":
    main()
