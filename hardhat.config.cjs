// Only for the local EVM node the chain-lookup tests start (`hardhat node`); kefu compiles no contracts.
// HARDHAT_CHAIN_ID lets a test start a second node that pretends to be another EVM network.
module.exports = {
  networks: {
    hardhat: {
      chainId: Number(process.env.HARDHAT_CHAIN_ID ?? 31337),
      // Blocks only when asked (a transaction or hardhat_mine), so confirmations move exactly as the test says.
      mining: { auto: true, interval: 0 },
    },
  },
};
