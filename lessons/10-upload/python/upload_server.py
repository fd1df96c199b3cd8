"""第 10 课的 Python 对照：上传服务端。

教程的写法（每次 recv 1024 字节，一次只服务一个连接），补上了三处：请求头读到换行为止，
和它粘在一起到达的文件开头不丢；文件名必须是一个普通的名字；先写临时文件，收齐才改名。
用法：python3 upload_server.py [--host 127.0.0.1] [--port 8898] [--dir uploads]
"""

import argparse
import hashlib
import os
import socket


# ANCHOR: header
def read_header(conn):
    """读到换行为止。和请求头一起到达的文件开头（粘包）作为第二个值交回去，不能丢。"""
    buf = b""
    while b"\n" not in buf:
        data = conn.recv(1024)
        if not data or len(buf) > 1024:
            return None, b""
        buf += data
    header, rest = buf.split(b"\n", 1)
    return header.decode("utf8"), rest
# ANCHOR_END: header


# ANCHOR: receive
def handle(conn, folder):
    header, first = read_header(conn)
    if header is None:
        return
    func, file_byte_size, filename = header.split("|", 2)
    # 教程在这里直接 os.path.join(BASE_DIR, 'yuan', filename)：filename 是 ../../.bashrc 就写到外面去了
    if filename in ("", ".", "..") or "/" in filename or "\\" in filename or filename.startswith("."):
        conn.sendall(f"error 文件名不是一个普通的名字：{filename!r}\n".encode("utf8"))
        return
    file_byte_size = int(file_byte_size)
    path = os.path.join(folder, filename)
    temp = os.path.join(folder, f".upload-py-{os.getpid()}.part")
    sha = hashlib.sha256()
    has_received = 0
    with open(temp, "wb") as f:
        data = first[:file_byte_size]
        while True:
            f.write(data)
            sha.update(data)
            has_received += len(data)
            if has_received >= file_byte_size:
                break
            data = conn.recv(min(1024, file_byte_size - has_received))
            if not data:
                break
    if has_received < file_byte_size:
        os.remove(temp)  # 半截的文件不留下
        return
    os.replace(temp, path)
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
            except (OSError, ValueError) as e:
                print("出错：", e, flush=True)


if __name__ == "__main__":
    main()
