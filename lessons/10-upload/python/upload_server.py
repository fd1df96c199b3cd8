"""第 10 课的 Python 对照：上传服务端（完整版的协议，只有上传）。

教程的写法（每次 recv 1024 字节，一次只服务一个连接），补上了四处：请求头读到换行为止，
和它粘在一起到达的文件开头不丢（makefile 的缓冲替我们留着）；文件名必须是一个普通的名字；
先写临时文件，收齐才改名，改名之后才回答 ok；一个连接上可以一个接一个地上传。
用法：python3 upload_server.py [--host 127.0.0.1] [--port 8898] [--dir uploads]
"""

import argparse
import hashlib
import os
import socket
import tempfile


def refuse(conn, reason):
    conn.sendall(f"error {reason}\n".encode("utf8"))


# ANCHOR: receive
def handle(conn, folder):
    # 带缓冲：readline 多读到的字节留给下一次 read。缓冲区 1024 字节，和教程一样每次 recv 1024
    rfile = conn.makefile("rb", buffering=1024)
    while True:
        line = rfile.readline(1025)
        if not line:
            return  # 对方办完事，关闭了连接
        if not line.endswith(b"\n"):
            return refuse(conn, "请求头太长，或者没有换行就断开了")
        parts = line[:-1].decode("utf8", "replace").split("|", 2)
        if len(parts) != 3 or parts[0] != "post" or not parts[1].isdigit():
            return refuse(conn, "请求头格式不对，应当是 post|大小|文件名")
        file_byte_size, filename = int(parts[1]), parts[2]
        # 教程在这里直接 os.path.join(BASE_DIR, 'yuan', filename)：filename 是 ../../.bashrc 就写到外面去了
        if filename in ("", ".", "..") or "/" in filename or "\\" in filename or filename.startswith("."):
            return refuse(conn, f"文件名不是一个普通的名字：{filename!r}")
        # mkstemp 用 O_EXCL 新建（Rust 的 create_new）：名字不会和别人的撞，也不跟随符号链接
        fd, temp = tempfile.mkstemp(dir=folder, prefix=f".upload-py-{os.getpid()}-", suffix=".part")
        sha = hashlib.sha256()
        has_received = 0
        with os.fdopen(fd, "wb") as f:
            while has_received < file_byte_size:
                data = rfile.read(min(1024, file_byte_size - has_received))
                if not data:
                    break
                f.write(data)
                sha.update(data)
                has_received += len(data)
        if has_received < file_byte_size:
            os.remove(temp)  # 半截的文件不留下
            return
        os.replace(temp, os.path.join(folder, filename))
        conn.sendall(f"ok {file_byte_size} {sha.hexdigest()}\n".encode("utf8"))
# ANCHOR_END: receive


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8898)
    parser.add_argument("--dir", default="uploads")
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    sk = socket.socket()
    sk.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sk.bind((args.host, args.port))
    sk.listen(5)
    host, port = sk.getsockname()[:2]
    print(f"上传服务端（Python）正在监听 {host}:{port}", flush=True)
    while True:
        conn, addr = sk.accept()
        with conn:
            conn.settimeout(30)
            try:
                handle(conn, args.dir)
            except OSError as e:
                print("出错：", e, flush=True)


if __name__ == "__main__":
    main()
