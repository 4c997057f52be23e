"""
Backtests one `qrsdp export --format hftbacktest` file with hftbacktest itself: the two-sided
market-making loop of hftbacktest's own example (examples/example.py: every 10 ms, a buy order a
half spread below the mid price and a sell order a half spread above, skewed by the position,
post-only, one order per price), written here for our ticks of $0.01 and lots of shares.
Prints the backtest's outcome as one JSON object.
Usage: python hftbacktest_quote.py FILE.npz LATENCY_NS
"""
import json
import sys

import numpy as np
from numba import njit

from hftbacktest import BUY, GTX, LIMIT, SELL, BacktestAsset, HashMapMarketDepthBacktest


@njit
def quote_around_mid(hbt, out):
    half_spread = 0.02
    skew = 0.0001
    order_qty = 100.0
    max_position = 1000.0
    steps = 0
    # 10 ms per step; elapse returns 1 at the end of the data, anything else is an error.
    status = hbt.elapse(10_000_000)
    while status == 0:
        steps += 1
        hbt.clear_inactive_orders(0)
        depth = hbt.depth(0)
        tick = depth.tick_size
        position = hbt.position(0)
        mid = (depth.best_bid + depth.best_ask) / 2.0
        bid_tick = np.round((mid - half_spread - skew * position) / tick)
        ask_tick = np.round((mid + half_spread - skew * position) / tick)
        keep_bid = position >= max_position
        keep_ask = position <= -max_position
        values = hbt.orders(0).values()
        while values.has_next():
            order = values.get()
            if order.side == BUY:
                if order.price_tick == bid_tick:
                    keep_bid = True
                elif order.cancellable:
                    hbt.cancel(0, order.order_id, False)
            elif order.side == SELL:
                if order.price_tick == ask_tick:
                    keep_ask = True
                elif order.cancellable:
                    hbt.cancel(0, order.order_id, False)
        if not keep_bid:
            hbt.submit_buy_order(0, int(bid_tick) * 2, bid_tick * tick, order_qty, GTX, LIMIT, False)
        if not keep_ask:
            hbt.submit_sell_order(0, int(ask_tick) * 2 + 1, ask_tick * tick, order_qty, GTX, LIMIT, False)
        status = hbt.elapse(10_000_000)
    out[0] = status
    out[1] = steps
    out[2] = hbt.current_timestamp


def main():
    path, latency = sys.argv[1], int(sys.argv[2])
    asset = (
        BacktestAsset()
        .data([path])
        .linear_asset(1.0)
        .constant_order_latency(max(latency, 1), max(latency, 1))
        .power_prob_queue_model(2.0)
        .no_partial_fill_exchange()
        .trading_value_fee_model(0.0, 0.0)
        .tick_size(0.01)
        .lot_size(1.0)
    )
    hbt = HashMapMarketDepthBacktest([asset])
    out = np.zeros(3, np.int64)
    quote_around_mid(hbt, out)
    state = hbt.state_values(0)
    result = {
        "status": int(out[0]),
        "steps": int(out[1]),
        "last_timestamp": str(out[2]),
        "num_trades": int(state.num_trades),
        "trading_volume": float(state.trading_volume),
        "position": float(state.position),
        "balance": float(state.balance),
    }
    hbt.close()
    print(json.dumps(result))


main()
