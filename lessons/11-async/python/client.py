# 第 11 课：异步客户端（Python asyncio 版），和 l11-client 一样：读 Welcome!，发出几个名字，
# 最后发 exit；--clients N 同时开 N 个连接（asyncio.gather），最后说一句总结。
import argparse
import asyncio
import time


async def session(host, port, names, timeout, echo):
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    heard = [(await asyncio.wait_for(reader.read(2048), timeout)).decode("utf-8", "replace")]
    if heard[0].startswith("服务端忙"):
        raise RuntimeError("服务端拒绝了这个连接：" + heard[0])
    for name in names:
        if echo:
            print(heard[-1], flush=True)
        writer.write(name.encode("utf-8"))
        await writer.drain()
        heard.append((await asyncio.wait_for(reader.read(2048), timeout)).decode("utf-8", "replace"))
    if echo:
        print(heard[-1], flush=True)
    writer.write(b"exit")
    await writer.drain()
    writer.close()
    return heard


async def main(args):
    names = args.names.split(",")
    started = time.monotonic()
    results = await asyncio.gather(
        *(session(args.host, args.port, names, args.timeout, args.clients == 1) for _ in range(args.clients)))
    expected = ["Welcome!"] + ["Hello, %s!" % n for n in names]
    for i, heard in enumerate(results):
        if heard != expected:
            raise SystemExit("第 %d 个客户端收到的回复不对：%r" % (i + 1, heard))
    if args.clients > 1:
        print("%d 个连接同时对话，每个发了 %d 个名字：%d 条回复全部正确，用时 %.2f 秒"
              % (args.clients, len(names), args.clients * len(names), time.monotonic() - started))


parser = argparse.ArgumentParser(description="异步客户端（asyncio）")
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=9999)
parser.add_argument("--names", default="Michael,Tracy,Sarah")
parser.add_argument("--clients", type=int, default=1)
parser.add_argument("--timeout", type=int, default=10)
asyncio.run(main(parser.parse_args()))
