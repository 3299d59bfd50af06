// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title WithdrawalRequestPredeploy (devnet stand-in for EIP-7002)
/// @notice Behaves like the EIP-7002 system contract from the caller's side: empty calldata
/// returns the fee; 56 bytes (pubkey ‖ uint64 amount) with at least the fee records a
/// request from `msg.sender` (the validators' withdrawal-credential address). The beacon
/// simulator reads `WithdrawalRequested` and exits the validator.
contract WithdrawalRequestPredeploy {
    error InvalidRequestLength(uint256 length);
    error FeeTooLow(uint256 sent, uint256 fee);

    /// @notice A recorded request, as the consensus layer would dequeue it.
    event WithdrawalRequested(address indexed source, bytes pubkey, uint64 amount, uint256 fee);

    /// @notice Fixed fee of the stand-in (the real contract's fee starts at 1 wei and rises
    /// with demand).
    uint256 public constant FEE = 1 wei;

    /// @notice Requests recorded so far.
    uint256 public requestCount;

    /// @dev No receive(): Solidity routes every empty-calldata call to receive() when one
    /// exists, so the fee query (empty calldata, no value) would revert. Plain ETH without a
    /// request is still refused, as on the real contract.
    fallback(bytes calldata input) external payable returns (bytes memory) {
        if (input.length == 0) {
            require(msg.value == 0, InvalidRequestLength(0));
            return abi.encode(FEE);
        }
        require(input.length == 56, InvalidRequestLength(input.length));
        require(msg.value >= FEE, FeeTooLow(msg.value, FEE));
        ++requestCount;
        emit WithdrawalRequested(msg.sender, input[0:48], uint64(bytes8(input[48:56])), msg.value);
        return "";
    }
}
