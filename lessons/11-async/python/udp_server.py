# 第 11 课：UDP 服务端（Python asyncio 版），和 l11-udp-server、l05-server 一样：
# 每个数据报回答 b"Hello, 数据!"；不是合法 UTF-8 的只回答一句简短的错误。
import argparse
import asyncio
import signal


class Hello(asyncio.DatagramProtocol):
    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        try:
            reply = ("Hello, %s!" % data.decode("utf-8")).encode("utf-8")
        except UnicodeDecodeError:
            reply = "错误：不是合法的 UTF-8".encode("utf-8")
        print("收到 %s:%d 的 %d 字节" % (addr[0], addr[1], len(data)), flush=True)
        self.transport.sendto(reply, addr)


async def main(args):
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGINT, stop.set)
    transport, _ = await loop.create_datagram_endpoint(Hello, local_addr=(args.host, args.port))
    print("Python 异步 UDP 服务端 正在监听 %s:%d" % transport.get_extra_info("sockname")[:2], flush=True)
    await stop.wait()
    transport.close()
    print("收到 Ctrl-C，服务端退出", flush=True)


parser = argparse.ArgumentParser(description="UDP 服务端（asyncio）")
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=9999)
parser.add_argument("--buffer", type=int, default=1024)
asyncio.run(main(parser.parse_args()))
