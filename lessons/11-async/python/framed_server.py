# 第 11 课：分帧回显服务端（Python asyncio 版），和 l11-framed-server、l08-framed-server 一样：
# 4 字节大端长度 + 内容，每收到一帧就原样回一帧；太长的帧回一帧“错误：……”后断开。
import argparse
import asyncio
import signal
import struct

MAX_FRAME = 16 * 1024 * 1024


# ANCHOR: echo
async def echo(reader, writer):
    try:
        while True:
            try:
                header = await asyncio.wait_for(reader.readexactly(4), 30)
            except asyncio.IncompleteReadError as e:
                if e.partial:
                    raise
                break  # 在两帧之间关闭：正常结束
            (length,) = struct.unpack(">I", header)
            if length > MAX_FRAME:
                words = "错误：对方声称这一帧有 %d 字节，超过了上限，拒绝接收" % length
                writer.write(struct.pack(">I", len(words.encode())) + words.encode())
                await writer.drain()
                break
            payload = await asyncio.wait_for(reader.readexactly(length), 30)
            writer.write(header + payload)
            await writer.drain()
    except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError) as e:
        print("出错：%r；断开这个连接" % e, flush=True)
    finally:
        writer.close()
# ANCHOR_END: echo


async def main(args):
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGINT, stop.set)
    # 积压队列 1024 条，和 Rust 版的 support::bind 一样（asyncio 默认只有 100）。
    server = await asyncio.start_server(echo, args.host, args.port, backlog=1024)
    print("Python 异步分帧回显服务端 正在监听 %s:%d" % server.sockets[0].getsockname()[:2], flush=True)
    await stop.wait()
    server.close()
    print("收到 Ctrl-C，服务端退出", flush=True)


parser = argparse.ArgumentParser(description="分帧回显服务端（asyncio）")
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=9999)
asyncio.run(main(parser.parse_args()))
