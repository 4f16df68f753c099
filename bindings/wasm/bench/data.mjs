// Deterministic workload for the Node-vs-native benchmark: 50 payees and N deals (default
// 10,000) for examples/ae_quota_tiers.comp, written as JSON rows (decimals as strings).
export function workload(deals = 10000) {
  let seed = 2026;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const payees = [];
  for (let i = 1; i <= 50; i++) {
    const id = `ae${String(i).padStart(2, '0')}`;
    const quota = 400000 + Math.floor(next() * 40) * 10000;
    payees.push({ id, quota: `${quota}.00`, target_incentive: `${60000 + (i % 5) * 10000}.00` });
  }
  const products = ['Platform', 'Support', 'Training', 'Analytics'];
  const rows = [];
  for (let i = 1; i <= deals; i++) {
    const month = 1 + Math.floor(next() * 12);
    const day = 1 + Math.floor(next() * 28);
    const cents = 100000 + Math.floor(next() * 12000000);
    rows.push({
      id: `D${String(i).padStart(5, '0')}`,
      payee: payees[Math.floor(next() * payees.length)].id,
      date: `2026-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
      amount: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`,
      product: products[Math.floor(next() * products.length)],
      new_logo: next() < 0.3,
    });
  }
  return { payees, deals: rows };
}
